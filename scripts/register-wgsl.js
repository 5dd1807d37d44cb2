// Registers wgsl-hooks.js for the Node CLI (see node-gpu.js).
import { register } from 'node:module';
register('./wgsl-hooks.js', import.meta.url);
