-- SendMessageBatch, 10 x 1 KiB, on every connection. Args: queue URL.
local c = require("common")
local req

function init(args)
  c.init(args)
  req = c.send_batch()
end

function request() return req end
function response(status, headers, body) c.count_send(status, body) end
setup, done = c.setup, c.done
