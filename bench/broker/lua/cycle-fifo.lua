-- The cycle of cycle.lua on a FIFO queue: entry after entry, SendMessageBatch rotates over 50 message
-- groups (a batch of 10 spans 10 of them) and gives each message a MessageDeduplicationId unique to
-- this wrk run, so none is deduplicated. Receives get only the heads of groups with nothing in flight.
-- Args: queue URL.
local c = require("common")
require("cycle")
local GROUPS = 50
local run_id, n = "", 0
local init_cycle = init

function init(args)
  init_cycle(args)
  local f = io.open("/proc/sys/kernel/random/uuid")
  run_id = f:read("*l")
  f:close()
end

function next_send()
  local entries = {}
  for i = 1, 10 do
    entries[i] = string.format(
      '{"Id":"m%d","MessageBody":"%s","MessageGroupId":"g%d","MessageDeduplicationId":"%s-%d"}',
      i, c.body, n % GROUPS, run_id, n)
    n = n + 1
  end
  return c.request("SendMessageBatch",
    string.format('{"QueueUrl":"%s","Entries":[%s]}', c.queue_url, table.concat(entries, ",")))
end
