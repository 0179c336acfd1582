-- POST /v1/limits/check {customerId, meterId}, the customers rotated. Args: <ingest key> <customers>.
scenario = "check"
dofile(os.getenv("API_BENCH_LUA_DIR") .. "/common.lua")

function init(args)
   local key, customers = args[1], tonumber(args[2]) or 100
   for i = 1, customers do
      requests[i] = post("/v1/limits/check", key,
                         string.format('{"customerId":"%s","meterId":"llm-tokens"}', customer_id(i)))
   end
end
