// Resolve hook for bench/module-redirect.mjs.
let map = {};

export async function initialize(data) {
  map = data.map;
}

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const to = map[resolved.url.split('?')[0]];
  return to ? { ...resolved, url: to } : resolved;
}
