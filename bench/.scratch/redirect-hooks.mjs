let map = {};
export async function initialize(data) { map = data.map; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const to = map[r.url.split('?')[0]];
  return to ? { ...r, url: to } : r;
}
