/**
 * /pages/:id — one page (a notification to a person), where the link in every Slack DM, email and
 * SMS lands: what it is about, what was sent, and an Acknowledge button.
 */
import { api } from '../api.ts';
import { Icon } from '../components/Icon.tsx';
import { EmptyState, ErrorBanner, Loading, PageHeader, Panel } from '../components/ui.tsx';
import { useDocumentTitle, useResource } from '../hooks.ts';
import { Link } from '../router.tsx';
import { PageStatusCard } from './NotificationSettingsPage.tsx';
import { isNotFound } from './ServicesPage.tsx';

export function PageDetailPage({ id }: { id: string }) {
  const res = useResource(() => api.pages.get(id), [id]);
  const page = res.data?.page;
  useDocumentTitle(page ? page.subject : 'Page');
  return (
    <>
      <PageHeader title={page?.subject ?? 'Page'} description={page ? <span className="pre-line">{page.text}</span> : undefined} />
      {!res.data ? (
        <Panel>
          {res.loading ? (
            <Loading label="Loading page…" />
          ) : isNotFound(res.error) ? (
            <EmptyState icon="bell" title="Page not found">
              There is no page “{id}”, or it was sent to someone else.
            </EmptyState>
          ) : (
            <ErrorBanner error={res.error} title="Could not load the page." />
          )}
        </Panel>
      ) : (
        <Panel>
          {page?.sourceType === 'alert' && page.sourceId ? (
            <p>
              <Link to={`/alerts/${encodeURIComponent(page.sourceId)}`} className="btn btn-secondary btn-sm">
                <Icon name="bell" size={14} /> Open the alert
              </Link>
            </p>
          ) : null}
          <PageStatusCard pageId={id} />
        </Panel>
      )}
    </>
  );
}
