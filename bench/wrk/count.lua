-- wrk script of the frontend benchmark: counts answers by HTTP status, stops each thread
-- after a fixed number of answers (the run is bounded in count as well as in time), and
-- prints one JSON line with the totals, the errors and the latency percentiles (µs).
--   wrk -t1 -c32 -d5s --timeout 5s -s bench/wrk/count.lua URL -- MAX_ANSWERS_PER_THREAD

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   limit = tonumber(args[1]) or 0
   answers = 0
   statuses = {}
end

function response(status, headers, body)
   answers = answers + 1
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
   if limit > 0 and answers >= limit then
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      local counted = thread:get("statuses")
      for key, n in pairs(counted) do
         total[key] = (total[key] or 0) + n
      end
   end
   local parts = {}
   for key, n in pairs(total) do
      table.insert(parts, string.format('"%s": %d', key, n))
   end
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, ' ..
      '"statuses": {%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, latency.mean, table.concat(parts, ", ")))
end
