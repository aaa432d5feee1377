import { useEffect, useState } from 'react';

/** Where the console is: `#/page/part?filter=value`, so that every view can be shared as a link. */
export interface Route {
  path: string[];
  params: URLSearchParams;
}

const parse = (): Route => {
  const [path, query] = window.location.hash.replace(/^#\/?/, '').split('?');
  return { path: path ? path.split('/').map(decodeURIComponent) : [], params: new URLSearchParams(query ?? '') };
};

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const changed = () => setRoute(parse());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function hrefOf(path: string, params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams(
    Object.entries(params)
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([name, value]) => [name, String(value)]),
  ).toString();
  return `#/${path}${query ? `?${query}` : ''}`;
}

/** The same view with some filters changed (start goes back to the first page unless given). */
export function withParams(route: Route, changes: Record<string, string | number | undefined>): string {
  const params = Object.fromEntries(route.params.entries());
  return hrefOf(route.path.join('/'), { ...params, start: undefined, ...changes });
}
