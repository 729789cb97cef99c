import { Layout } from '../ui/layout';

export function SegmentsPage({ selected }: { selected?: string }) {
  return <Layout section="segments" title="SegmentsPage">{null}</Layout>;
}
