-- Baseline: the same kind of request as check.lua (POST, small JSON body, Authorization header) sent to
-- nginx, which answers `return 200 '{"ok":true}'`. Args: <api key> <customers>.
scenario = "nginx"
dofile(os.getenv("API_BENCH_LUA_DIR") .. "/common.lua")

function init(args)
   local key, customers = args[1], tonumber(args[2]) or 100
   for i = 1, customers do
      requests[i] = post("/", key, string.format('{"customerId":"%s","meterId":"llm-tokens"}', customer_id(i)))
   end
end
