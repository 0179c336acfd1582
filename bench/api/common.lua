-- Shared by the API benchmark's wrk scripts (bench/run-api-bench.sh; see bench/README.md, "API benchmark").
-- A scenario script sets `scenario`, loads this file with dofile(), and calls build(args) from its init() to
-- return the list of pre-formatted requests that its connections cycle through. Building the requests once,
-- before the clock starts, keeps wrk's own per-request work the same small amount for every scenario
-- (nginx included), so the ratios compare servers rather than Lua string building.
--
-- Arguments after `--` on the wrk command line: <api key> <customers> [<events per batch>].
-- Every response goes through response() below, which counts statuses (any non-2xx is a failure of the
-- run), 201s, denied checks, and the accepted/rejected counts of batch answers. done() prints one line,
--   RESULT key=value ...
-- that run-api-bench.sh parses.

requests = {}
next_request = 1
responses = 0
non2xx = 0
created = 0       -- 201 answers (POST /v1/events)
accepted = 0      -- sum of "accepted" in batch answers
rejected = 0      -- batch elements the server rejected
denied = 0        -- checks answered "allowed":false
statuses = {}     -- status -> count
sample = ""       -- the first non-2xx answer, for the report

local threads = {}

function customer_id(i)
   return string.format("cust_%03d", i)
end

local models = {"gpt-4o", "gpt-4o-mini", "claude-sonnet", "claude-haiku", "llama-3-70b"}

function event_json(customer)
   local value = math.random(50, 4050)
   local model = models[math.random(1, #models)]
   return string.format('{"customerId":"%s","eventType":"llm.completion","value":%d,"dimensions":{"model":"%s"}}',
                        customer, value, model)
end

function post(path, key, body)
   local headers = {["Content-Type"] = "application/json"} -- wrk.format adds Host and Content-Length
   if key and key ~= "" then
      headers["Authorization"] = "Bearer " .. key
   end
   return wrk.format("POST", path, headers, body)
end

function setup(thread)
   table.insert(threads, thread)
end

function request()
   local r = requests[next_request]
   next_request = next_request % #requests + 1
   return r
end

function response(status, headers, body)
   responses = responses + 1
   statuses[status] = (statuses[status] or 0) + 1
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if sample == "" then
         sample = tostring(status) .. " " .. string.sub(body or "", 1, 200)
      end
      return
   end
   if status == 201 then
      created = created + 1
   end
   if scenario == "batch" and body then
      accepted = accepted + (tonumber(string.match(body, '"accepted":(%d+)')) or 0)
      local list = string.match(body, '"rejected":%[(.-)%]')
      if list and list ~= "" then
         local _, n = string.gsub(list, '"index":', "")
         rejected = rejected + n
      end
   elseif scenario == "check" and body and string.find(body, '"allowed":false', 1, true) then
      denied = denied + 1
   end
end

function done(summary, latency, reqs)
   local totals = {responses = 0, non2xx = 0, created = 0, accepted = 0, rejected = 0, denied = 0}
   local status_totals = {}
   local first_sample = ""
   for _, t in ipairs(threads) do
      for k, _ in pairs(totals) do
         totals[k] = totals[k] + (t:get(k) or 0)
      end
      for s, n in pairs(t:get("statuses") or {}) do
         status_totals[s] = (status_totals[s] or 0) + n
      end
      local s = t:get("sample") or ""
      if first_sample == "" then first_sample = s end
   end
   local list = {}
   for s, n in pairs(status_totals) do
      table.insert(list, tostring(s) .. ":" .. tostring(n))
   end
   table.sort(list)
   local e = summary.errors
   io.write(string.format(
      "RESULT scenario=%s requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
      "responses=%d non2xx=%d created=%d accepted=%d rejected=%d denied=%d " ..
      "err_connect=%d err_read=%d err_write=%d err_timeout=%d statuses=%s\n",
      scenario, summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      math.floor(latency:percentile(50)), math.floor(latency:percentile(90)), math.floor(latency:percentile(99)),
      math.floor(latency.max),
      totals.responses, totals.non2xx, totals.created, totals.accepted, totals.rejected, totals.denied,
      e.connect, e.read, e.write, e.timeout, table.concat(list, ",")))
   if first_sample ~= "" then
      io.write("SAMPLE " .. string.gsub(first_sample, "\n", " ") .. "\n")
   end
end
