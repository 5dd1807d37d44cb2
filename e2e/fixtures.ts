// Shared Playwright fixtures. Import `test` and `expect` from here, not from @playwright/test:
// every page then fails its test on any console error or uncaught page error.
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
      await use(errors);
      expect(errors, 'console errors or page errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
