package deploy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	k8syaml "sigs.k8s.io/yaml"
)

// k8sTypes are the kinds deploy/k8s may hold, as the API server's Go types.
var k8sTypes = map[string]func() any{
	"apps/v1 Deployment":                     func() any { return &appsv1.Deployment{} },
	"v1 Service":                             func() any { return &corev1.Service{} },
	"v1 ConfigMap":                           func() any { return &corev1.ConfigMap{} },
	"autoscaling/v2 HorizontalPodAutoscaler": func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"policy/v1 PodDisruptionBudget":          func() any { return &policyv1.PodDisruptionBudget{} },
	"networking.k8s.io/v1 NetworkPolicy":     func() any { return &networkingv1.NetworkPolicy{} },
}

// Every document of every manifest decodes into its Kubernetes API type with no unknown or
// duplicate field, so a misspelt or misplaced key (which kubectl apply would reject or, worse,
// drop) fails here.
func TestK8s_EveryManifestDecodesStrictlyIntoItsAPIType(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("k8s", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, doc := range bytes.Split(raw, []byte("\n---\n")) {
			if len(bytes.TrimSpace(stripComments(doc))) == 0 {
				continue
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := k8syaml.Unmarshal(doc, &head); err != nil {
				t.Errorf("%s #%d: %v", f, i, err)
				continue
			}
			newObj, ok := k8sTypes[head.APIVersion+" "+head.Kind]
			if !ok {
				t.Errorf("%s #%d: %s %s is not a kind this test knows; add its type", f, i, head.APIVersion, head.Kind)
				continue
			}
			obj := newObj()
			if err := k8syaml.UnmarshalStrict(doc, obj); err != nil {
				t.Errorf("%s #%d (%s): %v", f, i, head.Kind, err)
				continue
			}
			if d, ok := obj.(*appsv1.Deployment); ok {
				checkHA(t, f, d)
			}
		}
	}
}

// checkHA: two copies at least, kept on different nodes when possible, a startup probe so a
// slow migration is not killed, readiness on /healthz (which answers only after registration).
func checkHA(t *testing.T, file string, d *appsv1.Deployment) {
	t.Helper()
	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		t.Errorf("%s: %d replicas, want at least 2", file, d.Spec.Replicas)
	}
	pod := d.Spec.Template.Spec
	anti := pod.Affinity
	if anti == nil || anti.PodAntiAffinity == nil || len(anti.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution) == 0 ||
		anti.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.TopologyKey != "kubernetes.io/hostname" {
		t.Errorf("%s: no pod anti-affinity by node", file)
	} else if sel := anti.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].PodAffinityTerm.LabelSelector; sel == nil ||
		sel.MatchLabels["app.kubernetes.io/name"] != d.Name {
		t.Errorf("%s: the anti-affinity does not select the deployment's own pods", file)
	}
	if len(pod.TopologySpreadConstraints) == 0 || pod.TopologySpreadConstraints[0].LabelSelector.MatchLabels["app.kubernetes.io/name"] != d.Name {
		t.Errorf("%s: no zone spread over its own pods", file)
	}
	c := pod.Containers[0]
	for name, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "readiness": c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" || p.HTTPGet.Port.Type != intstr.Int {
			t.Errorf("%s: %s probe %+v, want /healthz on the dev port", file, name, p)
		}
	}
	if c.StartupProbe != nil && c.StartupProbe.PeriodSeconds*c.StartupProbe.FailureThreshold < 60 {
		t.Errorf("%s: the startup probe gives a start only %d s", file, c.StartupProbe.PeriodSeconds*c.StartupProbe.FailureThreshold)
	}
}

func stripComments(doc []byte) []byte {
	var out []string
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			out = append(out, line)
		}
	}
	return []byte(strings.Join(out, "\n"))
}
