-- POST /v1/events: one durable event per request (answered after its group commit), the customers rotated,
-- value random (50-4050), dimensions {"model": one of five}. 1,000 distinct requests are built before the run.
-- Args: <ingest key> <customers>.
scenario = "record"
dofile(os.getenv("API_BENCH_LUA_DIR") .. "/common.lua")

function init(args)
   local key, customers = args[1], tonumber(args[2]) or 100
   math.randomseed(20261126)
   for i = 1, 1000 do
      requests[i] = post("/v1/events", key, event_json(customer_id((i - 1) % customers + 1)))
   end
end
