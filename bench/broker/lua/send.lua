-- SendMessage, 1 KiB, on every connection. Args: queue URL.
local c = require("common")
local req

function init(args)
  c.init(args)
  req = c.request("SendMessage", string.format('{"QueueUrl":"%s","MessageBody":"%s"}', c.queue_url, c.body))
end

function request() return req end
function response(status, headers, body) c.count_send(status, body) end
setup, done = c.setup, c.done
