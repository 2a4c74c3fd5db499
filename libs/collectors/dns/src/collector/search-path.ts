/**
 * True when `name` looks like a resolver's search-path expansion of a multi-label name:
 * after removing a cluster search suffix (`<ns>.svc.<domain>`, `svc.<domain>`, `<domain>`),
 * what is left still has a dot. `cart.shop.svc.cluster.local` leaves "cart" (a real
 * lookup); `api.example.com.shop.svc.cluster.local` leaves "api.example.com".
 */
export function isSearchPathExpansion(name: string, clusterDomain: string): boolean {
  const domain = `.${clusterDomain.toLowerCase().replace(/\.$/, '')}`;
  if (!name.endsWith(domain)) return false;
  const labels = name.slice(0, -domain.length).split('.');
  // <rest>.<ns>.svc | <rest>.svc | <rest>
  let rest = labels;
  if (labels.length >= 3 && labels[labels.length - 1] === 'svc') rest = labels.slice(0, -2);
  else if (labels.length >= 2 && labels[labels.length - 1] === 'svc') rest = labels.slice(0, -1);
  return rest.length >= 2;
}
