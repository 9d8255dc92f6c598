CREATE TABLE `machine_health` (
	`asset_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`short_name` text,
	`url` text,
	`site_url` text,
	`status` text NOT NULL,
	`location_name` text,
	`zone` text NOT NULL,
	`zone_since` integer NOT NULL,
	`last_work_at` integer,
	`observed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `problem_reports` (
	`id` integer PRIMARY KEY NOT NULL,
	`asset_id` text NOT NULL,
	`status` text NOT NULL,
	`priority` text NOT NULL,
	`priority_label` text NOT NULL,
	`title` text NOT NULL,
	`reporter` text,
	`url` text,
	`opened_at` integer NOT NULL,
	`observed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `problem_reports_open_idx` ON `problem_reports` (`status`,`asset_id`);--> statement-breakpoint
CREATE TABLE `work_days` (
	`day` text NOT NULL,
	`asset_id` text NOT NULL,
	`entries` integer NOT NULL,
	PRIMARY KEY(`day`, `asset_id`)
);
--> statement-breakpoint
DROP INDEX `events_own_received_at_idx`;--> statement-breakpoint
CREATE INDEX `events_own_received_at_idx` ON `events` (`received_at`) WHERE (is_test = 1 or event_type in ('knocker.endpoint_attention', 'knocker.morning_report'));