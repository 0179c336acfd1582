# The API benchmarks' catalog, sourced by bench/run-api-bench.sh, run-api-instructions.sh and run-record-ab.sh:
# the meter llm-tokens (sum of llm.*), the plan bench (a month hard limit and a day soft limit, both far above
# what a run records) and customers cust_001 … cust_NNN on it.
#
#   bench_catalog POST [CUSTOMERS]
#
# POST PATH BODY must create what BODY describes with an admin key and stop the script if the server refuses.
bench_catalog() {
    local post=$1 customers=${2:-100} i
    "$post" /v1/meters '{"id":"llm-tokens","name":"LLM tokens","aggregation":"sum","eventTypes":["llm.*"]}'
    "$post" /v1/plans '{"id":"bench","name":"Bench","limits":[{"meterId":"llm-tokens","period":"month","value":1000000000000000,"mode":"hard"},{"meterId":"llm-tokens","period":"day","value":100000000000000,"mode":"soft"}]}'
    for i in $(seq 1 "$customers"); do
        "$post" /v1/customers "$(printf '{"id":"cust_%03d","name":"Bench customer %d","planId":"bench"}' "$i" "$i")"
    done
}
