-- Fills a backlog: SendMessageBatch (10 x 1 KiB) until args[2] messages are stored, then prints
-- FILLED on stderr (wrk.ts then interrupts wrk, which would otherwise run out its -d duration).
-- Requests beyond the target (other connections still busy) are a harmless ListQueues.
-- wrk calls request() once per thread before connecting and never sends that request: one batch
-- more is issued to make up for it (the bench checks the queue's count afterwards).
local c = require("common")
local send_req, idle_req, target, issued = nil, nil, 0, 0

function init(args)
  c.init(args)
  target = tonumber(args[2])
  send_req = c.send_batch()
  idle_req = c.request("ListQueues", "{}")
end

function request()
  if issued * 10 < target + 10 then
    issued = issued + 1
    return send_req
  end
  return idle_req
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1; return end
  if string.find(body, '"MD5OfMessageBody"', 1, true) then
    c.count_send(status, body)
    if sent + failed >= target then
      io.stderr:write("FILLED\n")
      wrk.thread:stop()
    end
  end
end

setup, done = c.setup, c.done
