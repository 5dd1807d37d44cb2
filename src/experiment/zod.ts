// zod as every schema module here should import it: set to interpreted parsing before any schema
// exists. zod otherwise probes `new Function` to compile fast parsers, which the page's Content
// Security Policy (vite.config.ts) refuses and reports as a violation. Modules load lazily in the
// Worker now (lazy-host.ts), so no single module is sure to run first: each takes zod from here.
import { z } from 'zod';

z.config({ jitless: true });

export { z };
