import { Layout } from '../ui/layout';

export function DeliveriesPage({ query, deliveryId }: { query: URLSearchParams; deliveryId?: string }) {
  return <Layout section="deliveries" title="DeliveriesPage">{null}</Layout>;
}
