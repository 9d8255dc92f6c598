// The page and its parameters live in the URL fragment (#/deliveries?endpoint=ep_1), so a link
// from one page can open another already filtered, and reloading keeps the place.
import { useEffect, useState } from 'react'

export interface Route {
  page: string
  params: URLSearchParams
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?', 2)
  return { page: path, params: new URLSearchParams(query) }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash))
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}
