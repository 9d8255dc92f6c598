CREATE TABLE `pollers` (
	`id` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`base_url` text,
	`api_key_sealed` text,
	`api_key_hint` text,
	`interval_seconds` integer NOT NULL,
	`state` text,
	`state_version` integer DEFAULT 0 NOT NULL,
	`last_poll_at` integer,
	`last_success_at` integer,
	`last_error` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`next_poll_at` integer,
	`events_emitted` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL
);
