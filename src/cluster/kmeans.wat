;; k-means kernels in WebAssembly SIMD (f64x2), assembled at build time by wabt (vite.config.ts).
;;
;; Points are stored in columns: column j holds feature j of every point, `stride` bytes apart,
;; so one v128 load reads feature j of two neighbouring points and each lane is one point.
;;
;; Bit-identical to the TypeScript kernel (kmeans.ts): a squared distance is summed exactly as
;; sqDist sums it (feature j into accumulator j mod 4, the tail into accumulator 0, then
;; (s0 + s1) + (s2 + s3)); wasm has no fused multiply-add, so every × and + rounds as in JS; ties
;; go to the lower centroid (strict <); the inertia and the seeding potentials are summed point by
;; point in order. So both kernels give the same labels, centroids and inertia, bit for bit.
;;
;; Memory is owned by the caller (src/cluster/wasm-kernel.ts), which lays out the arrays and
;; passes byte offsets; bytes 0..47 are the kernel's scratch. Columns are padded to a multiple of 4
;; points.
(module
	(memory (export "memory") 1)
	;; Sum of the squared distances written by the last `assign` (in point order).
	(global $inertia (export "inertia") (mut f64) (f64.const 0))

	;; Squared distances of points i, i+1 (the lanes) to the point whose feature 0 is at `$cp`, with
	;; features `$cstride` bytes apart (8 for a row-major centroid, `stride` for a column point).
	(func $dist2 (param $xp i32) (param $stride i32) (param $cp i32) (param $cstride i32)
		(param $d i32) (result v128)
		(local $j i32) (local $d4 i32) (local $t v128)
		(local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
		(local.set $d4 (i32.sub (local.get $d) (i32.and (local.get $d) (i32.const 3))))
		(block $done4
			(loop $four
				(br_if $done4 (i32.ge_u (local.get $j) (local.get $d4)))
				(local.set $t (f64x2.sub (v128.load (local.get $xp))
					(f64x2.splat (f64.load (local.get $cp)))))
				(local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $t) (local.get $t))))
				(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
				(local.set $cp (i32.add (local.get $cp) (local.get $cstride)))
				(local.set $t (f64x2.sub (v128.load (local.get $xp))
					(f64x2.splat (f64.load (local.get $cp)))))
				(local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $t) (local.get $t))))
				(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
				(local.set $cp (i32.add (local.get $cp) (local.get $cstride)))
				(local.set $t (f64x2.sub (v128.load (local.get $xp))
					(f64x2.splat (f64.load (local.get $cp)))))
				(local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $t) (local.get $t))))
				(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
				(local.set $cp (i32.add (local.get $cp) (local.get $cstride)))
				(local.set $t (f64x2.sub (v128.load (local.get $xp))
					(f64x2.splat (f64.load (local.get $cp)))))
				(local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $t) (local.get $t))))
				(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
				(local.set $cp (i32.add (local.get $cp) (local.get $cstride)))
				(local.set $j (i32.add (local.get $j) (i32.const 4)))
				(br $four)))
		(block $done
			(loop $tail
				(br_if $done (i32.ge_u (local.get $j) (local.get $d)))
				(local.set $t (f64x2.sub (v128.load (local.get $xp))
					(f64x2.splat (f64.load (local.get $cp)))))
				(local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $t) (local.get $t))))
				(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
				(local.set $cp (i32.add (local.get $cp) (local.get $cstride)))
				(local.set $j (i32.add (local.get $j) (i32.const 1)))
				(br $tail)))
		(f64x2.add (f64x2.add (local.get $a0) (local.get $a1))
			(f64x2.add (local.get $a2) (local.get $a3))))

	;; counts[c] += by
	(func $bump (param $counts i32) (param $c i32) (param $by i32)
		(local $at i32)
		(local.set $at (i32.add (local.get $counts) (i32.shl (local.get $c) (i32.const 2))))
		(i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (local.get $by))))

	;; Assigns every point to its nearest of the k row-major centroids at `$cent` (d values each).
	;; Writes labels (i32), squared distances `mind` (f64), dirty flags (u8 per cluster), keeps
	;; `counts` (i32 per cluster) in step with the labels, sets the `inertia` global and returns how
	;; many labels changed. Four points per step (two f64x2 "lo" and
	;; "hi"), so each centroid value is splatted once for four points; columns, labels and mind are
	;; padded to a multiple of 4.
	(func (export "assign") (param $cols i32) (param $n i32) (param $stride i32) (param $d i32)
		(param $cent i32) (param $k i32) (param $labels i32) (param $mind i32) (param $dirty i32)
		(param $counts i32) (result i32)
		(local $i i32) (local $c i32) (local $cp i32) (local $xp i32) (local $j i32) (local $d4 i32)
		(local $changed i32) (local $inertia f64) (local $s v128) (local $t v128)
		(local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
		(local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
		(local $qLo v128) (local $qHi v128) (local $m v128) (local $cv v128)
		(local $bestLo v128) (local $bestHi v128) (local $cLo v128) (local $cHi v128)
		(local $new v128) (local $lp i32) (local $mp i32) (local $l i32) (local $b f64) (local $lab i32)
		(local.set $d4 (i32.sub (local.get $d) (i32.and (local.get $d) (i32.const 3))))
		(block $end
			(loop $points
				(br_if $end (i32.ge_u (local.get $i) (local.get $n)))
				(local.set $bestLo (f64x2.splat (f64.const inf)))
				(local.set $bestHi (f64x2.splat (f64.const inf)))
				(local.set $cLo (v128.const i64x2 0 0))
				(local.set $cHi (v128.const i64x2 0 0))
				(local.set $c (i32.const 0))
				(local.set $cp (local.get $cent))
				(block $cdone
					(loop $centroids
						(br_if $cdone (i32.ge_u (local.get $c) (local.get $k)))
						(local.set $xp (i32.add (local.get $cols) (i32.shl (local.get $i) (i32.const 3))))
						(local.set $j (i32.const 0))
						;; The first four features start the accumulators (0 + t·t is t·t, bit for bit),
						;; which saves zeroing them and eight additions per centroid.
						(if (i32.ge_u (local.get $d4) (i32.const 4))
							(then
								(local.set $s (f64x2.splat (f64.load (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a0 (f64x2.mul (local.get $t) (local.get $t)))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b0 (f64x2.mul (local.get $t) (local.get $t)))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $s (f64x2.splat (f64.load offset=8 (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a1 (f64x2.mul (local.get $t) (local.get $t)))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b1 (f64x2.mul (local.get $t) (local.get $t)))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $s (f64x2.splat (f64.load offset=16 (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a2 (f64x2.mul (local.get $t) (local.get $t)))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b2 (f64x2.mul (local.get $t) (local.get $t)))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $s (f64x2.splat (f64.load offset=24 (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a3 (f64x2.mul (local.get $t) (local.get $t)))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b3 (f64x2.mul (local.get $t) (local.get $t)))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $cp (i32.add (local.get $cp) (i32.const 32)))
								(local.set $j (i32.const 4)))
							(else
								(local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
								(local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0))
								(local.set $b0 (v128.const f64x2 0 0)) (local.set $b1 (v128.const f64x2 0 0))
								(local.set $b2 (v128.const f64x2 0 0)) (local.set $b3 (v128.const f64x2 0 0))))
						(block $done4
							(loop $four
								(br_if $done4 (i32.ge_u (local.get $j) (local.get $d4)))
								(local.set $s (f64x2.splat (f64.load (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $s (f64x2.splat (f64.load offset=8 (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $s (f64x2.splat (f64.load offset=16 (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $s (f64x2.splat (f64.load offset=24 (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $cp (i32.add (local.get $cp) (i32.const 32)))
								(local.set $j (i32.add (local.get $j) (i32.const 4)))
								(br $four)))
						(block $done
							(loop $tail
								(br_if $done (i32.ge_u (local.get $j) (local.get $d)))
								(local.set $s (f64x2.splat (f64.load (local.get $cp))))
								(local.set $t (f64x2.sub (v128.load (local.get $xp)) (local.get $s)))
								(local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $t (f64x2.sub (v128.load offset=16 (local.get $xp)) (local.get $s)))
								(local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (local.get $t) (local.get $t))))
								(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
								(local.set $cp (i32.add (local.get $cp) (i32.const 8)))
								(local.set $j (i32.add (local.get $j) (i32.const 1)))
								(br $tail)))
						(local.set $qLo (f64x2.add (f64x2.add (local.get $a0) (local.get $a1))
							(f64x2.add (local.get $a2) (local.get $a3))))
						(local.set $qHi (f64x2.add (f64x2.add (local.get $b0) (local.get $b1))
							(f64x2.add (local.get $b2) (local.get $b3))))
						(local.set $cv (i64x2.splat (i64.extend_i32_u (local.get $c))))
						(local.set $m (f64x2.lt (local.get $qLo) (local.get $bestLo)))
						(local.set $bestLo (v128.bitselect (local.get $qLo) (local.get $bestLo) (local.get $m)))
						(local.set $cLo (v128.bitselect (local.get $cv) (local.get $cLo) (local.get $m)))
						(local.set $m (f64x2.lt (local.get $qHi) (local.get $bestHi)))
						(local.set $bestHi (v128.bitselect (local.get $qHi) (local.get $bestHi) (local.get $m)))
						(local.set $cHi (v128.bitselect (local.get $cv) (local.get $cHi) (local.get $m)))
						(local.set $c (i32.add (local.get $c) (i32.const 1)))
						(br $centroids)))
				(local.set $lp (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2))))
				(local.set $mp (i32.add (local.get $mind) (i32.shl (local.get $i) (i32.const 3))))
				;; The four new labels as i32x4 (the low halves of the i64 lanes).
				(local.set $new (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27
					(local.get $cLo) (local.get $cHi)))
				(if (i32.and (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $n))
						(i32x4.all_true (i32x4.eq (local.get $new) (v128.load (local.get $lp)))))
					(then
						;; No label changed (the common case once k-means settles): store and sum.
						(v128.store (local.get $mp) (local.get $bestLo))
						(v128.store offset=16 (local.get $mp) (local.get $bestHi))
						(local.set $inertia (f64.add (local.get $inertia) (f64x2.extract_lane 0 (local.get $bestLo))))
						(local.set $inertia (f64.add (local.get $inertia) (f64x2.extract_lane 1 (local.get $bestLo))))
						(local.set $inertia (f64.add (local.get $inertia) (f64x2.extract_lane 0 (local.get $bestHi))))
						(local.set $inertia (f64.add (local.get $inertia) (f64x2.extract_lane 1 (local.get $bestHi)))))
					(else
						(v128.store (i32.const 0) (local.get $new))
						(v128.store (i32.const 16) (local.get $bestLo))
						(v128.store (i32.const 32) (local.get $bestHi))
						(local.set $l (i32.const 0))
						(block $ldone
							(loop $lanes
								(br_if $ldone (i32.ge_u (local.get $l) (i32.const 4)))
								(br_if $ldone (i32.ge_u (i32.add (local.get $i) (local.get $l)) (local.get $n)))
								(local.set $lab (i32.load (i32.shl (local.get $l) (i32.const 2))))
								(local.set $b (f64.load offset=16 (i32.shl (local.get $l) (i32.const 3))))
								(if (i32.ne (i32.load (local.get $lp)) (local.get $lab))
									(then
										(if (i32.ge_s (i32.load (local.get $lp)) (i32.const 0))
											(then
												(i32.store8 (i32.add (local.get $dirty) (i32.load (local.get $lp)))
													(i32.const 1))
												(call $bump (local.get $counts) (i32.load (local.get $lp)) (i32.const -1))))
										(i32.store8 (i32.add (local.get $dirty) (local.get $lab)) (i32.const 1))
										(call $bump (local.get $counts) (local.get $lab) (i32.const 1))
										(i32.store (local.get $lp) (local.get $lab))
										(local.set $changed (i32.add (local.get $changed) (i32.const 1)))))
								(f64.store (local.get $mp) (local.get $b))
								(local.set $inertia (f64.add (local.get $inertia) (local.get $b)))
								(local.set $lp (i32.add (local.get $lp) (i32.const 4)))
								(local.set $mp (i32.add (local.get $mp) (i32.const 8)))
								(local.set $l (i32.add (local.get $l) (i32.const 1)))
								(br $lanes)))))
				(local.set $i (i32.add (local.get $i) (i32.const 4)))
				(br $points)))
		(global.set $inertia (local.get $inertia))
		(local.get $changed))

;; The update's sums for the dirty clusters, as kmeans.ts `update`: refs[c] (i32, -1 = unset)
	;; becomes the cluster's first point, its features are copied to ref[c·d + j] (f64), and
	;; sums[c·d + j] (f64) accumulates x_j - ref[c·d + j] over the cluster's other points in order.
	(func (export "accumulate") (param $cols i32) (param $n i32) (param $stride i32) (param $d i32)
		(param $labels i32) (param $dirty i32) (param $sums i32) (param $refs i32) (param $ref i32)
		(local $i i32) (local $c i32) (local $j i32) (local $row i32)
		(local $sp i32) (local $xp i32) (local $rp i32)
		(block $end
			(loop $points
				(br_if $end (i32.ge_u (local.get $i) (local.get $n)))
				(local.set $c (i32.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2)))))
				(block $next
					(br_if $next (i32.eqz (i32.load8_u (i32.add (local.get $dirty) (local.get $c)))))
					(local.set $row (i32.shl (i32.mul (local.get $c) (local.get $d)) (i32.const 3)))
					(local.set $xp (i32.add (local.get $cols) (i32.shl (local.get $i) (i32.const 3))))
					(local.set $rp (i32.add (local.get $ref) (local.get $row)))
					(local.set $j (i32.const 0))
					(if (i32.lt_s (i32.load (i32.add (local.get $refs) (i32.shl (local.get $c) (i32.const 2))))
							(i32.const 0))
						(then
							(i32.store (i32.add (local.get $refs) (i32.shl (local.get $c) (i32.const 2)))
								(local.get $i))
							(block $cdone
								(loop $copy
									(br_if $cdone (i32.ge_u (local.get $j) (local.get $d)))
									(f64.store (local.get $rp) (f64.load (local.get $xp)))
									(local.set $rp (i32.add (local.get $rp) (i32.const 8)))
									(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
									(local.set $j (i32.add (local.get $j) (i32.const 1)))
									(br $copy)))
							(br $next)))
					(local.set $sp (i32.add (local.get $sums) (local.get $row)))
					(block $jdone
						(loop $features
							(br_if $jdone (i32.ge_u (local.get $j) (local.get $d)))
							(f64.store (local.get $sp) (f64.add (f64.load (local.get $sp))
								(f64.sub (f64.load (local.get $xp)) (f64.load (local.get $rp)))))
							(local.set $sp (i32.add (local.get $sp) (i32.const 8)))
							(local.set $rp (i32.add (local.get $rp) (i32.const 8)))
							(local.set $xp (i32.add (local.get $xp) (local.get $stride)))
							(local.set $j (i32.add (local.get $j) (i32.const 1)))
							(br $features))))
				(local.set $i (i32.add (local.get $i) (i32.const 1)))
				(br $points))))

	;; One k-means++ candidate: cand_i = min(closest_i, squared distance from point i to point
	;; `$center`); returns the sum of cand in point order. (With closest = +inf this is the first
	;; centre's distances and potential.)
	(func (export "seedPass") (param $cols i32) (param $n i32) (param $stride i32) (param $d i32)
		(param $center i32) (param $closest i32) (param $cand i32) (result f64)
		(local $i i32) (local $q v128) (local $old v128) (local $v v128) (local $at i32)
		(local $pot f64)
		(block $end
			(loop $points
				(br_if $end (i32.ge_u (local.get $i) (local.get $n)))
				(local.set $q (call $dist2
					(i32.add (local.get $cols) (i32.shl (local.get $i) (i32.const 3)))
					(local.get $stride)
					(i32.add (local.get $cols) (i32.shl (local.get $center) (i32.const 3)))
					(local.get $stride) (local.get $d)))
				(local.set $at (i32.shl (local.get $i) (i32.const 3)))
				(local.set $old (v128.load (i32.add (local.get $closest) (local.get $at))))
				(local.set $v (v128.bitselect (local.get $q) (local.get $old)
					(f64x2.lt (local.get $q) (local.get $old))))
				(v128.store (i32.add (local.get $cand) (local.get $at)) (local.get $v))
				(local.set $pot (f64.add (local.get $pot) (f64x2.extract_lane 0 (local.get $v))))
				(if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n))
					(then (local.set $pot (f64.add (local.get $pot) (f64x2.extract_lane 1 (local.get $v))))))
				(local.set $i (i32.add (local.get $i) (i32.const 2)))
				(br $points)))
		(local.get $pot))
)
