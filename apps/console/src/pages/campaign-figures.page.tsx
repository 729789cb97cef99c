import { Layout } from '../ui/layout';

export function CampaignFiguresPage({ id }: { id: string }) {
  return <Layout section="campaign" title="CampaignFiguresPage">{null}</Layout>;
}
