-- POST /v1/events/batch with <events per batch> events per request (default 100), built as in record.lua;
-- 64 distinct bodies are built before the run. Args: <ingest key> <customers> [<events per batch>].
scenario = "batch"
dofile(os.getenv("API_BENCH_LUA_DIR") .. "/common.lua")

function init(args)
   local key, customers, per = args[1], tonumber(args[2]) or 100, tonumber(args[3]) or 100
   math.randomseed(20261127)
   local c = 0
   for b = 1, 64 do
      local events = {}
      for i = 1, per do
         events[i] = event_json(customer_id(c % customers + 1))
         c = c + 1
      end
      requests[b] = post("/v1/events/batch", key, '{"events":[' .. table.concat(events, ",") .. ']}')
   end
end
