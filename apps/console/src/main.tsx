import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { apiKey, onSessionChange } from './api/session';
import { CampaignEditPage } from './pages/campaign-edit.page';
import { CampaignFiguresPage } from './pages/campaign-figures.page';
import { CampaignsPage } from './pages/campaigns.page';
import { DeliveriesPage } from './pages/deliveries.page';
import { SegmentsPage } from './pages/segments.page';
import { SignInPage } from './pages/sign-in.page';
import { WebhookEditPage } from './pages/webhook-edit.page';
import { WebhookNewPage } from './pages/webhook-new.page';
import { WebhooksPage } from './pages/webhooks.page';
import { useRoute, type Route } from './router';
import './console.css';

function page({ path: [section, id, sub], query }: Route) {
  switch (section) {
    case 'campaigns':
      if (id && sub === 'figures') return <CampaignFiguresPage id={id} />;
      return id ? <CampaignEditPage id={id === 'new' ? undefined : id} /> : <CampaignsPage />;
    case 'segments':
      return <SegmentsPage selected={id} />;
    case 'deliveries':
      // Keyed by the search, so the form shows the search the address says.
      return <DeliveriesPage key={query.toString()} query={query} deliveryId={id} />;
    case 'webhooks':
    default:
      if (id === 'new') return <WebhookNewPage />;
      return id ? <WebhookEditPage id={id} /> : <WebhooksPage />;
  }
}

function Console() {
  const [signedIn, setSignedIn] = useState(() => apiKey() !== null);
  useEffect(() => onSessionChange(() => setSignedIn(apiKey() !== null)), []);
  const route = useRoute();
  return signedIn ? page(route) : <SignInPage />;
}

render(<Console />, document.getElementById('app')!);
