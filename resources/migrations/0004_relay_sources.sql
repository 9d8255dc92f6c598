CREATE TABLE `relay_routes` (
	`source_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`label` text NOT NULL,
	PRIMARY KEY(`source_id`, `endpoint_id`, `label`),
	FOREIGN KEY (`source_id`) REFERENCES `relay_sources`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `relay_sources` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_sealed` text NOT NULL,
	`token_hint` text NOT NULL,
	`messages_received` integer DEFAULT 0 NOT NULL,
	`last_message_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
