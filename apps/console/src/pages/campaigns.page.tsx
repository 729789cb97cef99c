import { Layout } from '../ui/layout';

export function CampaignsPage() {
  return <Layout section="campaigns" title="CampaignsPage">{null}</Layout>;
}
