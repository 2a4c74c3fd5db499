// Wrapper module: builds etcd and etcdctl of the pinned release from the Go module proxy
// (`go install ...@version` refuses them because their go.mod files carry replace lines).
module tapio.local/k8s-build/etcd

go 1.26.0

require (
	go.etcd.io/etcd/etcdctl/v3 v3.6.16
	go.etcd.io/etcd/server/v3 v3.6.16
)
