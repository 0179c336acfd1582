#!/usr/bin/env bash
# The SDK's steps as CTest runs them (tests/CMakeLists.txt), one a call:
#   build         npm ci (the lockfile's exact packages), types generated from docs/openapi.yaml, tsc
#   openapi-lint  docs/openapi.yaml against the OpenAPI 3.1 schema and our rules (scripts/validate-openapi.mjs)
#   examples      the brief's two snippets type-check as a customer's code (examples/tsconfig.json)
#   node-test     node --test: every method, retries, webhooks, the examples and the answers' schemas, live
#   pack          npm pack, then a consumer's file type-checks against the packed package's types
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
build)
    npm ci --no-audit --no-fund --loglevel=error
    npm run --silent build
    ;;
openapi-lint) node scripts/validate-openapi.mjs ../../docs/openapi.yaml ;;
examples) npx --no-install tsc -p examples/tsconfig.json ;;
node-test) node --test test/*.test.mjs ;;
pack) bash scripts/pack-test.sh ;;
*)
    echo "usage: $0 build|openapi-lint|examples|node-test|pack" >&2
    exit 2
    ;;
esac
