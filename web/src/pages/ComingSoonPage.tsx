import type { IconName } from '../components/Icon.tsx';
import { EmptyState, PageHeader, Panel } from '../components/ui.tsx';
import { useDocumentTitle } from '../hooks.ts';

/** Placeholder for an area that is not built yet. */
export function ComingSoonPage({ title, icon, description }: { title: string; icon: IconName; description: string }) {
  useDocumentTitle(title);
  return (
    <>
      <PageHeader title={title} description={description} />
      <Panel>
        <EmptyState icon={icon} title={`${title} is coming soon`}>
          This part of Vigil is still being built. Everything else keeps working in the meantime.
        </EmptyState>
      </Panel>
    </>
  );
}
