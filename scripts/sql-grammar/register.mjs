// Loaded with `node --import ./register.mjs`: makes dt-sql-parser's bundler-style ES modules loadable (resolve-hook.mjs).
import { register } from 'node:module';
register('./resolve-hook.mjs', import.meta.url);
