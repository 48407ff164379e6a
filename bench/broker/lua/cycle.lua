-- The send + receive + delete cycle, shared by all connections of the thread:
--   receipt handles waiting?                      -> DeleteMessageBatch of up to 10 of them
--   10+ sent messages not yet asked for?          -> ReceiveMessage (MaxNumberOfMessages 10, no wait)
--   otherwise                                     -> SendMessageBatch (10 x 1 KiB)
-- so sends, receives and deletes run at the same message rate and the backlog stays where it was.
-- "deleted" counts messages fully cycled. Args: queue URL.
local c = require("common")
local send_req, receive_req
local handles, receiving = {}, 0

function init(args)
  c.init(args)
  send_req = c.send_batch()
  receive_req = c.request("ReceiveMessage", string.format(
    '{"QueueUrl":"%s","MaxNumberOfMessages":10,"VisibilityTimeout":60,"WaitTimeSeconds":0}', c.queue_url))
end

-- The next SendMessageBatch (cycle-fifo.lua replaces it).
function next_send()
  return send_req
end

function request()
  local n = #handles
  if n > 0 then
    local entries = {}
    for i = 1, math.min(10, n) do
      entries[i] = string.format('{"Id":"d%d","ReceiptHandle":"%s"}', i, handles[n])
      handles[n] = nil
      n = n - 1
    end
    return c.request("DeleteMessageBatch",
      string.format('{"QueueUrl":"%s","Entries":[%s]}', c.queue_url, table.concat(entries, ",")))
  end
  if sent - received - receiving * 10 >= 10 then
    receiving = receiving + 1
    return receive_req
  end
  return next_send()
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1; return end
  if string.find(body, '"ReceiptHandle"', 1, true) then
    receiving = receiving - 1
    for h in string.gmatch(body, '"ReceiptHandle"%s*:%s*"([^"]+)"') do
      handles[#handles + 1] = h
      received = received + 1
    end
  elseif string.find(body, '"MD5OfMessageBody"', 1, true) then
    c.count_send(status, body)
  elseif string.find(body, '"Successful"', 1, true) then
    local failures = c.count(body, '"SenderFault"')
    deleted = deleted + c.count(body, '"Id"') - failures
    failed = failed + failures
  else
    receiving = receiving - 1 -- an empty receive
  end
end

setup, done = c.setup, c.done
