-- Shared by the broker bench's wrk scripts: SQS JSON 1.0 requests, response counters, and a
-- machine-readable summary line ("BENCH {...}") printed by done().
-- Counters are per-thread globals so done() can read them with thread:get().
local M = {}
local threads = {}

-- A 1 KiB message body (plain ASCII, nothing to escape in JSON).
M.body = string.rep("0123456789abcdef", 64)

sent, received, deleted, failed, bad = 0, 0, 0, 0, 0

function M.init(args)
  M.queue_url = args[1]
end

function M.setup(thread)
  table.insert(threads, thread)
end

-- A JSON 1.0 request for `action` with `json` as its body.
function M.request(action, json)
  return wrk.format("POST", "/", {
    ["X-Amz-Target"] = "AmazonSQS." .. action,
    ["Content-Type"] = "application/x-amz-json-1.0",
  }, json)
end

-- The SendMessageBatch request: 10 entries of the 1 KiB body.
function M.send_batch()
  local entries = {}
  for i = 0, 9 do
    entries[#entries + 1] = string.format('{"Id":"m%d","MessageBody":"%s"}', i, M.body)
  end
  return M.request("SendMessageBatch",
    string.format('{"QueueUrl":"%s","Entries":[%s]}', M.queue_url, table.concat(entries, ",")))
end

-- How many times `needle` occurs in `s` (plain search).
function M.count(s, needle)
  local n, at = 0, 1
  while true do
    local i = string.find(s, needle, at, true)
    if not i then return n end
    n, at = n + 1, i + #needle
  end
end

-- Counts a send response: one message per MD5OfMessageBody, failed batch entries, non-200s.
function M.count_send(status, body)
  if status ~= 200 then bad = bad + 1; return 0 end
  local ok = M.count(body, '"MD5OfMessageBody"')
  sent = sent + ok
  failed = failed + M.count(body, '"SenderFault"')
  return ok
end

function M.done(summary)
  local t = { sent = 0, received = 0, deleted = 0, failed = 0, bad = 0 }
  for _, thread in ipairs(threads) do
    for k in pairs(t) do t[k] = t[k] + (thread:get(k) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"durationUs":%d,"requests":%d,"sent":%d,"received":%d,"deleted":%d,"failedEntries":%d,' ..
    '"non200":%d,"socketErrors":%d}\n',
    summary.duration, summary.requests, t.sent, t.received, t.deleted, t.failed, t.bad,
    e.connect + e.read + e.write + e.timeout))
end

return M
