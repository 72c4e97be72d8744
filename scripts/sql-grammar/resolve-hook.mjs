// dt-sql-parser's dist is ES modules written for bundlers: relative imports without ".js" and directory imports.
// Node resolves neither on its own; this hook tries "<spec>.js" and "<spec>/index.js" for relative imports only.
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (!specifier.startsWith('.') || !['ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT'].includes(err.code)) throw err;
    for (const candidate of [specifier + '.js', specifier + '/index.js']) {
      try { return await next(candidate, context); } catch { /* next candidate */ }
    }
    throw err;
  }
}
