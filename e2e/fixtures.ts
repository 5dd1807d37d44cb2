// Shared Playwright fixtures. Import `test` and `expect` from here, not from @playwright/test:
// every page then fails its test on any console error, uncaught page error or Content Security
// Policy violation.
import { test as base, expect } from '@playwright/test';

export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        const { url, lineNumber } = msg.location();
        errors.push(`console.error: ${msg.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
      });
      page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
      // Chromium does not log every Content Security Policy violation (a blocked eval or fetch can pass in silence).
      await page.exposeFunction('__reportCspViolation', (text: string) => errors.push(`CSP violation: ${text}`));
      await page.addInitScript(() => {
        addEventListener('securitypolicyviolation', (ev) => {
          const e = ev as SecurityPolicyViolationEvent;
          const report = (globalThis as unknown as { __reportCspViolation(t: string): void }).__reportCspViolation;
          void report(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
        });
      });
      await use(errors);
      expect(errors, 'console errors or page errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
