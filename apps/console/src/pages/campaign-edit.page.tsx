import { Layout } from '../ui/layout';

export function CampaignEditPage({ id }: { id?: string }) {
  return <Layout section="campaign" title="CampaignEditPage">{null}</Layout>;
}
