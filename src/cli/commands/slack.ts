/**
 * `vigil slack manifest`: the Slack app manifest for this installation (paste it at
 * api.slack.com/apps -> Create New App -> From an app manifest).
 */
import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';

export function slackManifest(publicUrl: string, name = 'Vigil'): Record<string, unknown> {
  const base = publicUrl.replace(/\/+$/, '');
  const command = (cmd: string, description: string, usage_hint: string) => ({ command: cmd, url: `${base}/slack/commands`, description, usage_hint, should_escape: false });
  return {
    display_information: { name, description: 'On-call schedules, paging and incidents', background_color: '#1f2430' },
    features: {
      bot_user: { display_name: name.toLowerCase(), always_online: true },
      slash_commands: [
        command('/oncall', 'Who is on call now and next', '[schedule]'),
        command('/incident', 'Declare and run an incident', 'declare | sev P1 | status monitoring | update <text> | lead @user | page @user | resolve'),
        command('/triage', 'The error triage queue', ''),
        command('/backlog', 'Better-engineering tasks to pick up', ''),
      ],
    },
    oauth_config: {
      scopes: {
        bot: [
          'chat:write',
          'chat:write.public',
          'commands',
          'im:write',
          'users:read',
          'users:read.email',
          'usergroups:read',
          'usergroups:write',
          'channels:manage',
          'channels:read',
          'groups:write',
          'pins:write',
          // conversations.history: a send whose outcome is unknown is looked for before it is repeated.
          'im:history',
          'channels:history',
          'groups:history',
        ],
      },
    },
    settings: {
      interactivity: { is_enabled: true, request_url: `${base}/slack/interactions` },
      event_subscriptions: { request_url: `${base}/slack/events`, bot_events: ['app_mention'] },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  };
}

export function registerSlackCommands(program: Command): void {
  const slack = program.command('slack').description('The Slack app');
  slack
    .command('manifest')
    .description('Print the Slack app manifest (scopes, slash commands, request URLs) for this installation')
    .option('--json', 'JSON instead of YAML')
    .action((opts: { json?: boolean }) => {
      // The public URL: the global --url, else VIGIL_PUBLIC_URL.
      const url = program.opts<{ url?: string }>().url ?? process.env.VIGIL_PUBLIC_URL ?? 'http://localhost:8080';
      const m = slackManifest(url);
      process.stdout.write(opts.json ? `${JSON.stringify(m, null, 2)}\n` : toYaml(m));
    });
}
