/**
 * Table types for Kysely. Times are epoch milliseconds (UTC instants); JSON is stored as text;
 * booleans as 0/1 integers, so one set of migrations and queries serves SQLite and PostgreSQL.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  name: string;
  email: string;
  time_zone: string;
  phone: string | null;
  slack_user_id: string | null;
  role: string;
  password_hash: string | null;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface TeamsTable {
  id: string;
  name: string;
  slug: string;
  description: string;
  lead_user_id: string | null;
  /** JSON list of Jira board ids whose sprints this team plans in. */
  jira_board_ids: string;
  created_at: number;
  updated_at: number;
}

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  created_at: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  /** Space-separated scopes: read, write, admin. */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
}

export interface SignInThrottleTable {
  key: string;
  kind: string;
  subject: string;
  failures: number;
  lockouts: number;
  locked_until: number | null;
  last_failure_at: number;
}

export interface IdentityVerificationsTable {
  id: string;
  user_id: string;
  purpose: string;
  target: string;
  secret_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** The append-only timeline of every user-visible entity. */
export interface EventsTable {
  seq: Generated<number>;
  id: string;
  entity_type: string;
  entity_id: string;
  type: string;
  actor_type: string;
  actor_id: string | null;
  data: string;
  at: number;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  /** pending | running | succeeded | failed */
  status: string;
  run_at: number;
  attempts: number;
  max_attempts: number;
  dedupe_key: string | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface SchedulesTable {
  id: string;
  team_id: string;
  slug: string;
  name: string;
  description: string;
  time_zone: string;
  reminder_minutes: number;
  layers: string;
  slack_user_group_id: string | null;
  slack_handoff_channel: string | null;
  created_at: number;
  updated_at: number;
}

export interface ScheduleOverridesTable {
  id: string;
  schedule_id: string;
  user_id: string;
  replaces_user_id: string | null;
  layer_id: string | null;
  start_at: number;
  end_at: number;
  reason: string;
  swap_request_id: string | null;
  created_by: string | null;
  created_at: number;
}

export interface SwapRequestsTable {
  id: string;
  schedule_id: string;
  requester_id: string;
  start_at: number;
  end_at: number;
  note: string;
  status: string;
  taker_id: string | null;
  override_id: string | null;
  created_at: number;
  resolved_at: number | null;
}

export interface CalendarFeedsTable {
  id: string;
  token_hash: string;
  kind: string;
  target_id: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
}

export interface ScheduleHandoffCursorsTable {
  schedule_id: string;
  processed_until: number;
}

export interface DB {
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  api_tokens: ApiTokensTable;
  sessions: SessionsTable;
  sign_in_throttle: SignInThrottleTable;
  identity_verifications: IdentityVerificationsTable;
  events: EventsTable;
  jobs: JobsTable;
  settings: SettingsTable;
  schedules: SchedulesTable;
  schedule_overrides: ScheduleOverridesTable;
  swap_requests: SwapRequestsTable;
  calendar_feeds: CalendarFeedsTable;
  schedule_handoff_cursors: ScheduleHandoffCursorsTable;
  contact_methods: ContactMethodsTable;
  notification_rules: NotificationRulesTable;
  notification_prefs: NotificationPrefsTable;
  pages: PagesTable;
  deliveries: DeliveriesTable;
  delivery_lanes: DeliveryLanesTable;
  message_refs: MessageRefsTable;
  message_templates: MessageTemplatesTable;
  escalation_policies: EscalationPoliciesTable;
  services: ServicesTable;
  integrations: IntegrationsTable;
  counters: CountersTable;
  alerts: AlertsTable;
  intake_requests: IntakeRequestsTable;
  intake_queue: IntakeQueueTable;
  storm_windows: StormWindowsTable;
  maintenance_windows: MaintenanceWindowsTable;
  heartbeats: HeartbeatsTable;
  severities: SeveritiesTable;
  incidents: IncidentsTable;
  incident_members: IncidentMembersTable;
  service_subscriptions: ServiceSubscriptionsTable;
  postmortems: PostmortemsTable;
  postmortem_revisions: PostmortemRevisionsTable;
  postmortem_comments: PostmortemCommentsTable;
  action_items: ActionItemsTable;
  shift_reports: ShiftReportsTable;
  triage_items: TriageItemsTable;
  triage_decisions: TriageDecisionsTable;
  backlog_tasks: BacklogTasksTable;
  invites: InvitesTable;
  contact_verification_links: ContactVerificationLinksTable;
  notion_pages: NotionPagesTable;
  audit_log: AuditLogTable;
}

export interface AuditLogTable {
  id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  team_id: string | null;
  before: string | null;
  after: string | null;
}

export interface ContactMethodsTable {
  id: string;
  user_id: string;
  type: string;
  address: string;
  label: string;
  verified_at: number | null;
  verification_code_hash: string | null;
  verification_expires_at: number | null;
  disabled: number;
  imported_from: string | null;
  confirmed_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface NotificationRulesTable {
  id: string;
  user_id: string;
  urgency: string;
  contact_method_id: string;
  delay_minutes: number;
  created_at: number;
}

export interface NotificationPrefsTable {
  user_id: string;
  quiet_start: string | null;
  quiet_end: string | null;
  severity_levels_read_at: number | null;
  updated_at: number;
}

export interface PagesTable {
  id: string;
  user_id: string;
  urgency: string;
  subject: string;
  text: string;
  source_type: string;
  source_id: string | null;
  status: string;
  fired: string;
  created_at: number;
  acknowledged_at: number | null;
  acknowledged_via: string | null;
}

export interface DeliveriesTable {
  id: string;
  lane: string;
  channel: string;
  address: string;
  contact_method_id: string | null;
  page_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  subject: string;
  body: string;
  extra: string;
  status: string;
  attempts: number;
  provider_message_id: string | null;
  bundle_id: string | null;
  update_of: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  first_attempt_at: number | null;
  in_flight_run: string | null;
}

export interface DeliveryLanesTable {
  lane: string;
  next_at: number;
  failures: number;
  scheduled_at: number | null;
  holder_job_id: string | null;
  holder_attempt: number | null;
  failing_since: number | null;
  last_error: string | null;
}

export interface MessageRefsTable {
  key: string;
  channel: string;
  provider_message_id: string;
  created_at: number;
}

export interface MessageTemplatesTable {
  event_type: string;
  subject: string;
  body: string;
  updated_at: number;
}

export interface EscalationPoliciesTable {
  id: string;
  team_id: string;
  slug: string;
  name: string;
  description: string;
  repeat: number;
  steps: string;
  created_at: number;
  updated_at: number;
}

export interface ServicesTable {
  id: string;
  team_id: string;
  slug: string;
  name: string;
  description: string;
  escalation_policy_id: string | null;
  alerts_channel: string | null;
  urgency_rule: string;
  storm_threshold: number;
  created_at: number;
  updated_at: number;
}

export interface IntegrationsTable {
  id: string;
  service_id: string;
  name: string;
  type: string;
  key_hash: string;
  key_hint: string;
  signing_secret: string | null;
  options: string;
  disabled: number;
  created_at: number;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface AlertsTable {
  id: string;
  number: number;
  service_id: string;
  integration_id: string | null;
  alias: string;
  status: string;
  message: string;
  description: string;
  priority: string;
  urgency: string;
  source: string;
  entity: string;
  tags: string;
  details: string;
  links: string;
  count: number;
  first_at: number;
  last_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  closed_at: number | null;
  closed_by: string | null;
  snoozed_until: number | null;
  owner_id: string | null;
  storm: number;
  incident_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface IntakeQueueTable {
  seq: Generated<number>;
  lane: number;
  integration_id: string;
  entry: string;
  received_at: number;
}

export interface StormWindowsTable {
  service_id: string;
  window_start: number;
  count: number;
}

export interface IntakeRequestsTable {
  id: string;
  integration_id: string;
  action: string;
  alert_id: string | null;
  alias: string | null;
  success: number;
  status: string;
  created_at: number;
}

export interface MaintenanceWindowsTable {
  id: string;
  service_id: string;
  start_at: number;
  end_at: number;
  reason: string;
  created_by: string | null;
  created_at: number;
}

export interface HeartbeatsTable {
  id: string;
  service_id: string;
  name: string;
  interval_seconds: number;
  priority: string;
  enabled: number;
  last_ping_at: number | null;
  state: string;
  created_at: number;
}

export interface SeveritiesTable {
  key: string;
  rank: number;
  name: string;
  policy: string;
  updated_at: number;
}

export interface IncidentsTable {
  id: string;
  number: number;
  title: string;
  summary: string;
  severity: string;
  status: string;
  private: number;
  commander_id: string | null;
  comms_lead_id: string | null;
  declared_by: string | null;
  service_ids: string;
  source_type: string;
  source_id: string | null;
  slack_channel_id: string | null;
  started_at: number;
  detected_at: number;
  acknowledged_at: number | null;
  mitigated_at: number | null;
  resolved_at: number | null;
  last_update_at: number;
  created_at: number;
  updated_at: number;
}

export interface IncidentMembersTable {
  incident_id: string;
  user_id: string;
  role: string;
  added_at: number;
}

export interface ServiceSubscriptionsTable {
  service_id: string;
  user_id: string;
  created_at: number;
}

export interface PostmortemsTable {
  id: string;
  incident_id: string;
  title: string;
  status: string;
  owner_id: string | null;
  due_at: number | null;
  severity: string;
  service_ids: string;
  tags: string;
  sections: string;
  created_at: number;
  updated_at: number;
  published_at: number | null;
}

export interface PostmortemRevisionsTable {
  id: string;
  postmortem_id: string;
  author_id: string | null;
  sections: string;
  at: number;
}

export interface PostmortemCommentsTable {
  id: string;
  postmortem_id: string;
  author_id: string | null;
  body: string;
  at: number;
}

export interface ActionItemsTable {
  id: string;
  postmortem_id: string;
  title: string;
  owner_id: string;
  due_at: number | null;
  status: string;
  jira_key: string | null;
  jira_url: string | null;
  jira_status: string | null;
  created_at: number;
  updated_at: number;
}

export interface ShiftReportsTable {
  id: string;
  schedule_id: string;
  user_id: string;
  shift_start: number;
  shift_end: number | null;
  status: string;
  notes: string;
  handover: string;
  content: string | null;
  previous_report_id: string | null;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface TriageItemsTable {
  id: string;
  number: number;
  service_id: string;
  integration_id: string | null;
  source: string;
  source_id: string;
  short_id: string | null;
  title: string;
  culprit: string;
  level: string;
  platform: string | null;
  project: string | null;
  environment: string | null;
  web_url: string | null;
  sentry_status: string;
  sentry_assignee: string | null;
  state: string;
  regression: number;
  regressed_at: number | null;
  events: number;
  users_affected: number;
  first_seen: number;
  last_seen: number;
  decision: string | null;
  decision_detail: string;
  decided_by: string | null;
  decided_at: number | null;
  assignee_id: string | null;
  incident_id: string | null;
  jira_key: string | null;
  jira_url: string | null;
  claimed_by: string | null;
  claimed_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface TriageDecisionsTable {
  id: string;
  item_id: string;
  decision: string;
  detail: string;
  user_id: string;
  at: number;
}

export interface BacklogTasksTable {
  id: string;
  number: number;
  title: string;
  description: string;
  team_id: string | null;
  /** 1 (highest) to 5 (lowest) */
  priority: number;
  status: string;
  assignee_id: string | null;
  labels: string;
  source: string;
  jira_key: string | null;
  jira_url: string | null;
  jira_status: string | null;
  jira_assignee: string | null;
  archived: number;
  picked_at: number | null;
  done_by: string | null;
  done_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  synced_at: number | null;
}

export interface InvitesTable {
  id: string;
  email: string;
  name: string;
  role: string;
  team_id: string | null;
  token_hash: string;
  invited_by: string | null;
  source: string;
  slack_user_id: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  user_id: string | null;
  revoked_at: number | null;
}

export interface ContactVerificationLinksTable {
  token_hash: string;
  contact_method_id: string;
  expires_at: number;
}

export interface NotionPagesTable {
  entity_type: string;
  entity_id: string;
  database_id: string;
  page_id: string;
  url: string | null;
  synced_at: number;
}
