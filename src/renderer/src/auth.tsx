// Who may call the admin API. In Electron the preload bridge needs no token; served by the
// headless shell, the admin token arrives once in the URL fragment (#token=…), is removed from
// the address bar and kept for this tab in sessionStorage. A 401 from any call signs out.
import { createContext, useCallback, useContext, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { Alert, Button, Center, Code, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core'
import { useQueryClient } from '@tanstack/react-query'
import type { AdminApi } from '../../shared/contracts'
import { electronBridge, httpAdminApi, isUnauthorized, withUnauthorizedHandler } from './api'
import { ApiErrorAlert } from './ApiErrorAlert'
import { httpChangeSubscriber, type ChangeSubscriber } from './liveUpdates'

const TOKEN_KEY = 'knocker.adminToken'

interface Session {
  api: AdminApi
  transport: 'electron' | 'http'
  /** Only in the browser (headless shell); Electron has nothing to sign out of. */
  signOut: (() => void) | null
  /** The core's change notices: the bridge's push in Electron, server-sent events over HTTP. */
  subscribeChanges: ChangeSubscriber
}

const SessionContext = createContext<Session | null>(null)

export function useApi(): AdminApi {
  return useSession().api
}

export function useSession(): Session {
  const session = useContext(SessionContext)
  if (!session) throw new Error('useSession must be used inside <AuthProvider>')
  return session
}

/** Reads `#token=…` once and strips it from the address bar so it is not bookmarked or shared. */
function takeTokenFromFragment(): string | null {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''))
  const token = params.get('token')?.trim()
  if (!token) return null
  window.history.replaceState(null, '', window.location.pathname + window.location.search)
  return token
}

function initialToken(): string | null {
  const fromUrl = takeTokenFromFragment()
  if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl)
  return fromUrl ?? sessionStorage.getItem(TOKEN_KEY)
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const bridge = useMemo(electronBridge, [])
  const electronSession = useMemo<Session | null>(
    () =>
      bridge && {
        api: bridge,
        transport: 'electron',
        signOut: null,
        subscribeChanges: (listener) => bridge.onChange((notice) => listener(notice.topic)),
      },
    [bridge],
  )
  if (electronSession) {
    return <SessionContext.Provider value={electronSession}>{children}</SessionContext.Provider>
  }
  return <TokenGate>{children}</TokenGate>
}

function TokenGate({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient()
  const [token, setToken] = useState<string | null>(initialToken)
  const [rejected, setRejected] = useState(false)

  // The token in force right now, so a late 401 for a replaced token does not sign out the new one.
  const current = useRef(token)

  const forget = useCallback(
    (which: string, wasRejected: boolean) => {
      if (current.current !== which) return
      current.current = null
      sessionStorage.removeItem(TOKEN_KEY)
      setRejected(wasRejected)
      setToken(null)
      void queryClient.cancelQueries()
    },
    [queryClient],
  )

  const session = useMemo<Session | null>(() => {
    if (!token) return null
    return {
      api: withUnauthorizedHandler(
        httpAdminApi(() => token),
        () => forget(token, true),
      ),
      transport: 'http',
      signOut: () => forget(token, false),
      subscribeChanges: httpChangeSubscriber(token),
    }
  }, [token, forget])

  if (!session) {
    return (
      <SignInForm
        rejected={rejected}
        onSignedIn={(t) => {
          queryClient.clear()
          sessionStorage.setItem(TOKEN_KEY, t)
          current.current = t
          setRejected(false)
          setToken(t)
        }}
      />
    )
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
}

function SignInForm({ rejected, onSignedIn }: { rejected: boolean; onSignedIn: (token: string) => void }) {
  const [value, setValue] = useState('')
  const [checking, setChecking] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [wrong, setWrong] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const candidate = value.trim()
    if (!candidate) return
    setChecking(true)
    setError(null)
    setWrong(false)
    try {
      await httpAdminApi(() => candidate).getStats({})
      onSignedIn(candidate)
    } catch (err) {
      if (isUnauthorized(err)) setWrong(true)
      else setError(err)
    } finally {
      setChecking(false)
    }
  }

  return (
    <Center mih="100vh" p="md" bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={440} maw="100%">
        <form onSubmit={submit} aria-label="Sign in">
          <Stack>
            <div>
              <Title order={2}>Knocker</Title>
              <Text c="dimmed" size="sm">
                Sign in to the admin console.
              </Text>
            </div>
            {(rejected || wrong) && (
              <Alert color="red" variant="light" title="Token not accepted" role="alert">
                The admin API answered 401 for this token. Check it and sign in again.
              </Alert>
            )}
            <ApiErrorAlert error={error} title="Could not reach the admin API" />
            <PasswordInput
              label="Admin token"
              description={
                <>
                  Printed by <Code>knocker serve</Code> on first start and stored in{' '}
                  <Code>&lt;data dir&gt;/credentials.json</Code>
                </>
              }
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              autoComplete="current-password"
              autoFocus
              required
            />
            <Button type="submit" loading={checking} disabled={!value.trim()}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  )
}
