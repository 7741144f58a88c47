import { EmptyState, PageHeader, Panel } from '../components/ui.tsx';
import { useDocumentTitle } from '../hooks.ts';
import { Link, useLocation } from '../router.tsx';

export function NotFoundPage() {
  useDocumentTitle('Page not found');
  const { pathname } = useLocation();
  return (
    <>
      <PageHeader title="Page not found" />
      <Panel>
        <EmptyState
          icon="alert"
          title="There is nothing here"
          action={
            <Link to="/" className="btn btn-secondary">
              Back to Home
            </Link>
          }
        >
          Nothing lives at <code>{pathname}</code>. It may have moved, or the link may be mistyped.
        </EmptyState>
      </Panel>
    </>
  );
}
