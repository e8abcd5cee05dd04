# The privacy notice (ui/screens/privacy.js): what Heima does with the
# patient's information. Raise PRIVACY_NOTICE_VERSION (core/src/app/screens.rs)
# when a change here must be read again. Facts: docs/privacy.md.

privacy-heading = Persovdnasuodjalus Heimas
privacy-intro = Dás lea čállon mii dáhpáhuvvá du dieđuiguin go don geavahat Heima.
privacy-demo = Dát lea Heima demo: dat maid don dagat dás, bissu dušše dihtordulbosis iige sáddejuvvo geasage. Teaksta vuolábealde guoská dalle go dihtorduolbbus lea čadnojuvvon bálvalussii mii čuovvula du.
privacy-who-heading = Gii vástida
privacy-who = { $service } vástida du dieđuid ovddas (meannudanovddasvástideaddji). Gažaldagaid persovdnasuodjalusa birra sáhtát jearrat sis.
privacy-who-unknown = Bálvalus mii čuovvula du, vástida du dieđuid ovddas (meannudanovddasvástideaddji). Gažaldagaid persovdnasuodjalusa birra sáhtát jearrat sis.
privacy-what-heading = Maid Heima vurke
privacy-what = Du mihtideamit, du vástádusat gažaldagaide, dálkasat maid muitalat ahte leat váldán plána mielde, dieđáhusat du ja bálvalusa gaskkas, du plána ja makkár mihttorusttegat leat čadnojuvvon. Heima čállá maiddái gii mihtidii dahje vástidii: don vai oapmahaš. Jus bálvalus addá du riegádannummara, de dat geavahuvvo go dárkkistuvvo ahte dihtorduolbbus lea du.
privacy-where-heading = Gos dieđut leat
privacy-where = Dieđut vurkejuvvojit krypterejuvvon dihtordulbosis. Mihtideamit, vástádusat, dálkasat maid leat váldán, ja dieđáhusat sáddejuvvojit sihkkaris oktavuođa bokte bálvalussii, mii vurke daid du journálii. Heima ii sádde maidege earáide go bálvalussii ja daid serveraide maid bálvalus lea válljen sisačáliheapmái ja videoságastallamiidda, iige sidjiide geat leat ráhkadan áppa.
privacy-call = Videoságastallamat leat du ja bálvalusa gaskkas, muhtumin servera bokte maid bálvalus lea válljen. Heima ii bádde daid.
privacy-how-long-heading = Man guhká
privacy-how-long = Dihtordulbosis dassážii go čuovvuleapmi loahpahuvvo. Dalle buohccedivššár sihkku buot du birra dihtordulbosis, maiddái fiillaid maid Heima lea vurken doppe (muhto ii fiilla maid don ieš leat sirdán). Bálvalusas gustojit pasieantajournála njuolggadusat.
privacy-copy-heading = Dieđuid máŋggus
privacy-copy = Go čuovvuleapmi nohká, sáhtát vurket du dieđuid fiilan Heimas. Fiila sihkkojuvvo dihtordulbosis go čuovvuleapmi loahpahuvvo, nu ahte sirdde dan vuos jus háliidat doalahit dan. Sáhtát maiddái bivdit bálvalusa čájehit dutnje du journála ja addit dutnje das máŋgosa.
privacy-read = Lean lohkan dán
privacy-open = Persovdnasuodjalus
privacy-ask = Loga maid Heima dahká du dieđuiguin.
privacy-ask-open = Loga persovdnasuodjalusa birra
privacy-back = Ruovttoluotta ásahusaide
