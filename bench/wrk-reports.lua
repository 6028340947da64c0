-- POST /api/reports with a small JSON report (a link, a platform, a description); every 10th has the minor flag.
local counter = 0
request = function()
  counter = counter + 1
  local minor = (counter % 10 == 0) and "true" or "false"
  local body = '{"urls":["https://example.com/room/' .. counter .. '"],"platform":"telegram","channel":"bench","description":"wrk benchmark report","possibleMinor":' .. minor .. '}'
  return wrk.format("POST", "/api/reports", { ["Content-Type"] = "application/json" }, body)
end
