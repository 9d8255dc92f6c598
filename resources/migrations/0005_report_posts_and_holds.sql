CREATE TABLE `report_posts` (
	`endpoint_id` text NOT NULL,
	`conversation` text NOT NULL,
	`delivery_id` integer NOT NULL,
	`message_id` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`endpoint_id`, `conversation`),
	FOREIGN KEY (`endpoint_id`) REFERENCES `endpoints`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `report_posts_delivery_idx` ON `report_posts` (`delivery_id`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `edit_of` integer;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `hold_reason` text;--> statement-breakpoint
CREATE INDEX `deliveries_held_idx` ON `deliveries` (`next_attempt_at`) WHERE (hold_reason is not null and status = 'pending');