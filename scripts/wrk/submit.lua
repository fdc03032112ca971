-- wrk script: each request submits one application, cycling through prepared (token, body)
-- pairs from requests.tsv. Thread t of n takes lines t, t+n, t+2n... so no two requests
-- submit the same application (a repeat would be a 409, not work).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  nthreads = counter
  lines = {}
  local n = 0
  for line in io.lines(os.getenv("PVARA_WRK_REQUESTS") or "requests.tsv") do
    if n % (tonumber(os.getenv("PVARA_WRK_THREADS") or "1")) == id then
      local tab = line:find("\t", 1, true)
      table.insert(lines, { line:sub(1, tab - 1), line:sub(tab + 1) })
    end
    n = n + 1
  end
  next_line = 0
  created = 0
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  end
end

function request()
  next_line = next_line + 1
  local entry = lines[next_line]
  if entry == nil then
    -- Out of prepared applications: a cheap read keeps the connection busy without new work.
    return wrk.format("GET", "/api/health")
  end
  return wrk.format("POST", "/api/applications",
    { ["Authorization"] = "Bearer " .. entry[1], ["Content-Type"] = "application/json" }, entry[2])
end

function done(summary, latency, requests)
  local accepted = 0
  for _, thread in ipairs(threads) do
    accepted = accepted + thread:get("created")
  end
  io.write(string.format("accepted %d applications (201) in %.1f s: %.0f/s\n",
    accepted, summary.duration / 1e6, accepted / (summary.duration / 1e6)))
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms; non-2xx/3xx %d\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    summary.errors.status))
end
