import { createBrowserRouter, type RouteObject } from 'react-router';
import { webModules, type PageDefinition } from '../modules.tsx';
import { Layout } from './Layout.tsx';
import { NotFoundPage } from './NotFoundPage.tsx';
import { PageFrame } from './PageFrame.tsx';
import { RouteError } from './RouteError.tsx';

/** The routes of every module's pages inside the frame, and "Page introuvable" for any other path. */
export function createAppRouter() {
  return createBrowserRouter([
    {
      path: '/',
      Component: Layout,
      ErrorBoundary: RouteError,
      HydrateFallback: Loading,
      children: [
        {
          // A failing page shows its error inside the frame, so the navigation stays usable.
          ErrorBoundary: RouteError,
          children: [
            ...webModules.flatMap((module) => module.pages).map(pageRoute),
            { path: '*', Component: NotFoundPage },
          ],
        },
      ],
    },
  ]);
}

function pageRoute(page: PageDefinition): RouteObject {
  return {
    ...(page.path === '/' ? { index: true } : { path: page.path }),
    lazy: async () => {
      const { default: Content } = await page.load();
      return {
        Component: function Page() {
          return (
            <PageFrame page={page}>
              <Content />
            </PageFrame>
          );
        },
      };
    },
  };
}

function Loading() {
  return <p className="loading">Chargement de maillage…</p>;
}
