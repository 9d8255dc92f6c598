# A museum's Python app using Apprise as a library: one Apprise object holding the target,
# notify() once per event. Reads {"url", "cap_s", "events": [{"title", "body"}]} on stdin and
# prints one JSON line: how many were sent, failed, or not tried before the time cap.
import json
import sys
import time

import apprise

job = json.load(sys.stdin)
notifier = apprise.Apprise()
notifier.add(job['url'])
started = time.monotonic()
sent = failed = 0
for event in job['events']:
    if time.monotonic() - started > job['cap_s']:
        break
    if notifier.notify(title=event['title'], body=event['body']):
        sent += 1
    else:
        failed += 1
elapsed = time.monotonic() - started
print(json.dumps({'sent': sent, 'failed': failed, 'not_tried': len(job['events']) - sent - failed, 'seconds': elapsed}))
