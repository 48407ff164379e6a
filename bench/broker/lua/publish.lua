-- SNS Publish (Query protocol), 1 KiB, attribute kind=a, on every connection. Args: topic ARN.
-- Each acknowledged publish counts once in `sent`; the bench multiplies by the matching subscriptions.
local c = require("common")
local req

local function encode(s)
  return (string.gsub(s, "[^%w%-%._~]", function(ch) return string.format("%%%02X", string.byte(ch)) end))
end

function init(args)
  local body = "Action=Publish&Version=2010-03-31&TopicArn=" .. encode(args[1]) ..
    "&Message=" .. c.body ..
    "&MessageAttributes.entry.1.Name=kind&MessageAttributes.entry.1.Value.DataType=String" ..
    "&MessageAttributes.entry.1.Value.StringValue=a"
  req = wrk.format("POST", "/", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function request() return req end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1; return end
  sent = sent + c.count(body, "<MessageId>")
end
setup, done = c.setup, c.done
