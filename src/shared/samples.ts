// Realistic sample events, one per event type, built from the museum's real data.
// Used by "test send" and as test fixtures.
import type { EventType, KnockerEvent } from './events'

const SITE = 'https://flipfix.theflip.museum'
const museum = { name: 'Museum', slug: 'museum', zone: 'front' }
const workshop = { name: 'Workshop', slug: 'workshop', zone: 'workshop' }

const eightBall = {
  asset_id: 'M0023',
  name: 'Eight Ball Deluxe Limited Edition',
  short_name: 'Eight Ball Deluxe',
  slug: 'eight-ball-deluxe-limited-edition',
  operational_status: 'good' as const,
  operational_status_label: 'Good',
  location: museum,
  url: `${SITE}/machines/eight-ball-deluxe-limited-edition/`,
}
const twilightZone = {
  asset_id: 'M0031',
  name: 'Twilight Zone',
  short_name: null,
  slug: 'twilight-zone',
  operational_status: 'broken' as const,
  operational_status_label: 'Broken',
  location: workshop,
  url: `${SITE}/machines/twilight-zone/`,
}
const rotoPool = {
  asset_id: 'M0009',
  name: 'Roto Pool',
  short_name: null,
  slug: 'roto-pool',
  operational_status: 'broken' as const,
  operational_status_label: 'Broken',
  location: museum,
  url: `${SITE}/machines/roto-pool/`,
}
const diana = { username: 'diana', display_name: 'Diana', is_shared_account: false }
const ken = { username: 'ken', display_name: 'ken', is_shared_account: false }

const report412 = {
  id: 412,
  status: 'open' as const,
  problem_type: 'other',
  problem_type_label: 'Other',
  priority: 'untriaged',
  priority_label: 'Untriaged',
  description: '#1 drop target spring missing',
  reporter: { display: null, username: null },
  url: `${SITE}/problem-reports/412/`,
}

export const SAMPLE_EVENTS: Record<EventType, KnockerEvent> = {
  'problem_report.created': {
    schema: 'flipfix.notification/v1',
    event_id: 'problem_report:412:created',
    event: 'problem_report.created',
    occurred_at: '2026-07-18T19:02:11Z',
    site_url: SITE,
    actor: null,
    machine: eightBall,
    problem_report: report412,
  },
  'problem_report.closed': {
    schema: 'flipfix.notification/v1',
    event_id: 'problem_report:412:closed:4851',
    event: 'problem_report.closed',
    occurred_at: '2026-07-21T17:40:00Z',
    site_url: SITE,
    actor: diana,
    machine: eightBall,
    problem_report: { ...report412, status: 'closed', previous_status: 'open' },
  },
  'problem_report.reopened': {
    schema: 'flipfix.notification/v1',
    event_id: 'problem_report:398:reopened:4860',
    event: 'problem_report.reopened',
    occurred_at: '2026-07-22T15:12:30Z',
    site_url: SITE,
    actor: ken,
    machine: twilightZone,
    problem_report: {
      id: 398,
      status: 'open',
      previous_status: 'closed',
      problem_type: 'other',
      problem_type_label: 'Other',
      priority: 'major',
      priority_label: 'Major',
      description: 'Ball lift stopped working again.',
      reporter: { display: 'william', username: 'william' },
      url: `${SITE}/problem-reports/398/`,
    },
  },
  'log_entry.created': {
    schema: 'flipfix.notification/v1',
    event_id: 'log_entry:4842:created',
    event: 'log_entry.created',
    occurred_at: '2026-07-21T16:55:00Z',
    site_url: SITE,
    actor: { username: 'brian', display_name: 'brian', is_shared_account: false },
    machine: twilightZone,
    log_entry: {
      id: 4842,
      text: "Machine was not starting up. Button worked, but S relay wasn't triggering. Sanded blades and adjusted alignment. See [[problem:398]] and [[machine:twilight-zone]].",
      auto_generated: false,
      occurred_at: '2026-07-21T14:00:00Z',
      time_spent_hours: 1.5,
      maintainers: [
        { username: 'brian', display_name: 'brian' },
        { username: 'reba', display_name: 'reba' },
      ],
      maintainer_names: '',
      problem_report: { id: 398, status: 'open', url: `${SITE}/problem-reports/398/` },
      url: `${SITE}/logs/4842/`,
    },
  },
  'machine.created': {
    schema: 'flipfix.notification/v1',
    event_id: 'machine:M0042:created',
    event: 'machine.created',
    occurred_at: '2026-07-19T11:20:00Z',
    site_url: SITE,
    actor: { username: 'reba', display_name: 'reba', is_shared_account: false },
    machine: {
      asset_id: 'M0042',
      name: 'Godzilla (Premium)',
      short_name: 'Godzilla',
      slug: 'godzilla-premium',
      operational_status: 'good',
      operational_status_label: 'Good',
      location: museum,
      url: `${SITE}/machines/godzilla-premium/`,
    },
    log_entry: {
      id: 4833,
      text: 'New machine added: Godzilla (Premium)',
      auto_generated: true,
      occurred_at: '2026-07-19T11:20:00Z',
      maintainers: [],
      maintainer_names: '',
      url: `${SITE}/logs/4833/`,
    },
  },
  'machine.status_changed': {
    schema: 'flipfix.notification/v1',
    event_id: 'log_entry:4830:created',
    event: 'machine.status_changed',
    occurred_at: '2026-07-20T18:05:12Z',
    site_url: SITE,
    actor: diana,
    machine: rotoPool,
    change: { field: 'operational_status', from: 'good', from_label: 'Good', to: 'broken', to_label: 'Broken' },
    log_entry: {
      id: 4830,
      text: 'Status changed: Good → Broken',
      auto_generated: true,
      occurred_at: '2026-07-20T18:05:12Z',
      maintainers: [],
      maintainer_names: '',
      url: `${SITE}/logs/4830/`,
    },
  },
  'machine.location_changed': {
    schema: 'flipfix.notification/v1',
    event_id: 'log_entry:4835:created',
    event: 'machine.location_changed',
    occurred_at: '2026-07-20T10:00:00Z',
    site_url: SITE,
    actor: { username: 'floor1', display_name: 'Floor Terminal', is_shared_account: true },
    machine: { ...twilightZone, location: museum },
    change: { field: 'location', from: 'workshop', from_label: 'Workshop', to: 'museum', to_label: 'Museum' },
  },
}
