-- heapwatch soak: a mix of non-leaking endpoints of the demo apps (items, bounded cache, garbage).
-- Every request has a unique raw URL; none of them retains memory past the bounded cache.
local counter = 0
local non2xx = 0

request = function()
  counter = counter + 1
  local r = counter % 10
  local path
  if r < 5 then
    path = "/api/items/" .. counter
  elseif r < 8 then
    path = "/api/cache?key=" .. (counter % 5000)
  else
    path = "/api/garbage?mb=1&n=" .. counter
  end
  return wrk.format("GET", path)
end

response = function(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end
