# rule: direct map value addresses exist only for array maps
# map: h hash 4 8 16
# expect: map direct value access on map type 1 not supported
ld_pseudo r1, 6, 0
r0 = 0
exit
