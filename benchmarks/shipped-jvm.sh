# Sourced by the benchmark scripts that start the standalone server: the settings bin/tally-standalone ships, so what
# they measure is the shipped server. Sets shipped_jvm_opts (the JVM options, one string) and exports glibc's
# allocator settings as bin/tally-standalone does (each can be overridden from the environment).
shipped_jvm_opts=$(sed -n 's/^java_opts=${TALLY_JAVA_OPTS:-"\(.*\)"}$/\1/p' "$root/bin/tally-standalone")
[[ -n $shipped_jvm_opts ]] || { echo "could not read the shipped JVM settings from bin/tally-standalone" >&2; exit 2; }
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
export MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-131072} MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-131072}
